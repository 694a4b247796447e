"""Views, one module per audience: ``public`` and ``calendar`` (citizens), ``staff`` (municipal
staff), ``years`` (the secretariat's 年度の管理); ``page_cache`` keeps the public pages."""

/* Progressive enhancement: save an activity without reloading the page. The forms work
   without this; here the same POST is sent with fetch and the activity's block is replaced
   by the one in the page the server answers with (saved, or with its error). */
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const article = form.closest("article.activity");
  if (!article || !window.fetch || !window.DOMParser) return;
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const response = await fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"});
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(article.id);
    if (!fresh) {  /* refused outright: show the server's page as it is */
      document.querySelector("main").replaceWith(page.querySelector("main"));
      return;
    }
    article.replaceWith(fresh);
    const note = fresh.querySelector("[role=status], [role=alert]");
    if (note) { note.tabIndex = -1; note.focus(); }
  } catch (error) {
    form.submit();
  }
});

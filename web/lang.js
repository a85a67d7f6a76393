// Ersatzraum: the language the user chose in the app sits in localStorage
// ("ersatzraum.lang", JSON, written by app/ui/lang.go), where only the page
// can read it. This script, run on every page start and by the app when
// the user switches (then it also reloads the page), hands the choice to
// the two others who need it before a page is drawn:
//   - the server, through the cookie of the same name (not a secret, so
//     readable by scripts; SameSite=Lax), so that it prerenders pages in
//     that language instead of the one Accept-Language names;
//   - the service worker, which keeps its copies of pages per language and
//     must pick the copy in the language the app will run in.
// No choice clears the cookie: then both go by the browser's languages.
(() => {
  const key = "ersatzraum.lang";
  const tell = (lang, reload) => {
    const secure = location.protocol === "https:" ? "; secure" : "";
    if (lang === "de" || lang === "en") {
      document.cookie = key + "=" + lang + "; path=/; max-age=31536000; samesite=lax" + secure;
    } else {
      lang = "";
      document.cookie = key + "=; path=/; max-age=0; samesite=lax" + secure;
    }
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) {
      worker.postMessage({ ersatzraumLang: lang });
    }
    if (reload) {
      location.reload();
    }
  };
  window.ersatzraumLang = tell;
  let chosen = "";
  try {
    chosen = JSON.parse(localStorage.getItem(key) || '""');
  } catch (e) {
    // Storage refused (private mode) or not JSON: no choice.
  }
  tell(chosen);
})();

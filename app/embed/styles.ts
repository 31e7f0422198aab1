// The banner's and the portal launcher's styles, injected once in a <style> element. Every selector is a `mesure-` class,
// so nothing reaches the host page; our elements reset what a host's element rules could give them.
// Colours meet WCAG AA: text 16:1 and 8.9:1, link and focus ring 6.3:1, switch tracks 5:1+ on white.
const CSS =
  ".mesure-backdrop{position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483647;display:flex;align-items:flex-end;justify-content:center;padding:16px;background:rgba(0,0,0,.5);box-sizing:border-box}" +
  ".mesure-dialog{position:relative;box-sizing:border-box;width:100%;max-width:640px;max-height:100%;overflow:auto;margin:0;padding:24px;border-radius:8px;background:#fff;color:#1f1f1f;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;text-align:left;box-shadow:0 8px 32px rgba(0,0,0,.3)}" +
  ".mesure-dialog *{box-sizing:border-box;font:inherit;color:inherit;letter-spacing:normal;text-transform:none}" +
  ".mesure-dialog:focus{outline:none}" +
  ".mesure-title{margin:0 40px 8px 0;font-size:20px;font-weight:700;line-height:1.3}" +
  ".mesure-text{margin:0 0 12px;white-space:pre-line}" +
  ".mesure-note{margin:0 0 12px;padding:8px 12px;border-left:4px solid #137333;background:#f1f7f2}" +
  ".mesure-link{color:#0b57d0;text-decoration:underline}" +
  ".mesure-list{list-style:none;margin:16px 0 0;padding:0}" +
  ".mesure-cat{padding:12px 0;border-top:1px solid #d0d0d0}" +
  ".mesure-row{display:flex;align-items:center;justify-content:space-between;gap:16px}" +
  ".mesure-name{font-weight:600;cursor:pointer}" +
  ".mesure-desc{margin:4px 0 0;font-size:14px;color:#4a4a4a}" +
  ".mesure-switch{-webkit-appearance:none;appearance:none;position:relative;flex:none;width:44px;height:24px;margin:0;border:0;border-radius:12px;background:#6b6b6b;cursor:pointer}" +
  ".mesure-switch::before{content:'';position:absolute;top:3px;left:3px;width:18px;height:18px;border-radius:50%;background:#fff}" +
  ".mesure-switch:checked{background:#137333}" +
  ".mesure-switch:checked::before{left:23px}" +
  ".mesure-switch:disabled{cursor:not-allowed;opacity:.7}" +
  ".mesure-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:16px}" +
  // One class for every choice button: accepting never looks easier than refusing.
  ".mesure-btn{flex:1 1 160px;min-height:44px;margin:0;padding:10px 16px;border:2px solid #1f1f1f;border-radius:6px;background:#1f1f1f;color:#fff;font-weight:600;cursor:pointer}" +
  ".mesure-btn:hover{background:#3d3d3d}" +
  ".mesure-close{position:absolute;top:8px;right:8px;width:44px;height:44px;margin:0;padding:0;border:0;border-radius:6px;background:transparent;font-size:28px;line-height:1;cursor:pointer}" +
  ".mesure-dialog :focus-visible{outline:3px solid #0b57d0;outline-offset:2px}" +
  // The portal (portal-launcher.ts): inline frames, and the modal's sheet under a bar in the
  // brand's colour (set on the element), its close button in that bar.
  ".mesure-frame{display:block;width:100%;height:480px;border:0}" +
  ".mesure-center{align-items:center}" +
  ".mesure-sheet{display:flex;flex-direction:column;max-width:960px;padding:0}" +
  ".mesure-sheet .mesure-frame{flex:none;height:70vh}" +
  ".mesure-bar{position:sticky;top:0;z-index:1;padding:14px 60px 14px 20px;background:#1f1f1f;color:#fff}" +
  ".mesure-bar .mesure-title{margin:0}" +
  ".mesure-bar :focus-visible{outline-color:currentColor}" +
  "@media (forced-colors:active){.mesure-switch{border:2px solid}.mesure-switch::before{background:CanvasText}}";

const ID = "mesure-style";

export function injectStyles(nonce: string): void {
  if (document.getElementById(ID)) return;
  const style = document.createElement("style");
  style.id = ID;
  // A site whose CSP allows styles by nonce gives our script one; the style needs it too.
  if (nonce) style.nonce = nonce;
  style.textContent = CSS;
  document.head.appendChild(style);
}

// Pages that may be shown in a frame on a brand's site (the embedded portal, its sign-in and
// refusal pages) run in a third-party context, where browsers that block third-party storage
// throw on any use of sessionStorage. Remix reads it in its scroll restoration script and its
// route discovery (every client navigation), so there a memory-only stand-in takes its place
// for the page's life. It runs before those scripts, and does nothing where storage works.
import { useNonce } from "~/components/nonce";

const STAND_IN = `try{window.sessionStorage}catch(e){var m={};Object.defineProperty(window,"sessionStorage",{configurable:true,value:{getItem:function(k){return Object.prototype.hasOwnProperty.call(m,k)?m[k]:null},setItem:function(k,v){m[k]=String(v)},removeItem:function(k){delete m[k]},clear:function(){m={}},key:function(i){var k=Object.keys(m)[i];return k===undefined?null:k},get length(){return Object.keys(m).length}}})}`;

export function FramedStorage() {
  const nonce = useNonce();
  // Rendered once by the server; the browser keeps the element through hydration.
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: STAND_IN }} />;
}

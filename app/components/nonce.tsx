// The request's CSP nonce, handed from entry.server to the components that render inline
// scripts and styles. In the browser it is empty: the browser hides nonces once applied.
import { createContext, useContext } from "react";

const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);

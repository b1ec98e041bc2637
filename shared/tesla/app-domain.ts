/** Where Tesla fetches an app's public key on the app's own domain (and where the API serves it). */
export const PUBLIC_KEY_WELL_KNOWN_PATH = '/.well-known/appspecific/com.tesla.3p.public-key.pem';

/** A DNS host name in lower case, such as tesla.example.com: what Tesla takes as an app domain. */
export const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Where Tesla fetches an app's public key on the app's own domain (and where the API serves it). */
export const PUBLIC_KEY_WELL_KNOWN_PATH = '/.well-known/appspecific/com.tesla.3p.public-key.pem';

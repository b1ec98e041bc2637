/** A DNS host name in lower case, such as tesla.example.com: what Tesla takes as an app domain, and what a car connects to. */
export const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

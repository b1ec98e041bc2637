/** The page's element with this id (the page's own markup: it is there). */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

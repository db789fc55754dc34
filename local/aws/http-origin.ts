/** `http://host:port`, with an IPv6 address in brackets as URLs require. */
export function httpOrigin(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

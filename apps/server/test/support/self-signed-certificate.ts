/**
 * A self-signed certificate for `localhost` and 127.0.0.1 (EC P-256, valid until 2126), made for
 * tests with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost
 * -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 36500`. No trust store holds it: a TLS
 * client that checks certificates refuses it. The key protects nothing.
 */
export const SELF_SIGNED_LOCALHOST = {
  key: `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgV8+a6hzT1ePDzMyT
HwMUuQURthGWiNmlbdngOYfuruahRANCAATqOjyueClZi5rdedsYY/4TvmoeSkKV
T5DY37zYXIDfNzrHl2v8GSgJpbVs8dAM0bae87+2WPywNa63iLc9Hsyx
-----END PRIVATE KEY-----
`,
  cert: `
-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUS7t8s3apef2j6RXs3zVehSvQH3MwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNzEyMzQzNVoYDzIxMjYxMTEz
MTIzNDM1WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATqOjyueClZi5rdedsYY/4TvmoeSkKVT5DY37zYXIDfNzrHl2v8GSgJ
pbVs8dAM0bae87+2WPywNa63iLc9Hsyxo28wbTAdBgNVHQ4EFgQUffMY2Vt/Szvv
78xiwr369A57WrEwHwYDVR0jBBgwFoAUffMY2Vt/Szvv78xiwr369A57WrEwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAPAIoSXhVctbgbgXwFUzIFzJkXYpXWEJ/f5xwCK1Id1EAiEA
5+ei0QAkTvHKtsqsBHOMxVdaMw1YSX7QWHraguuHG3o=
-----END CERTIFICATE-----
`,
};

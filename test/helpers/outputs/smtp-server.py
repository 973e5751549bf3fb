"""A real SMTP server (aiosmtpd) on loopback for the notify tests.

Usage: smtp-server.py PORT CERT KEY USER PASSWORD OUT [--no-starttls | --implicit-tls] [--login-only]
Offers STARTTLS and AUTH (only after TLS), accepts USER/PASSWORD, and writes
one JSON line per message to OUT: sender, recipients, whether the session
was under TLS, who logged in, and the message as received. Prints READY.
"""
import asyncio, json, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, user, password, out = sys.argv[1:7]
flags = sys.argv[7:]

class Handler:
    async def handle_DATA(self, server, session, envelope):
        with open(out, 'a') as f:
            f.write(json.dumps({
                'from': envelope.mail_from,
                'to': envelope.rcpt_tos,
                'tls': session.ssl is not None or server.transport.get_extra_info('sslcontext') is not None,
                'login': session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
                'data': envelope.original_content.decode('utf-8'),
            }) + '\n')
        return '250 Message accepted for delivery'

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: the server itself answers 235 or 535.
    return AuthResult(success=ok, handled=False, auth_data=auth_data)

ctx = None
if '--no-starttls' not in flags:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
kwargs = dict(hostname='127.0.0.1', port=int(port), authenticator=authenticator, auth_require_tls=True, ready_timeout=20)
if ctx is not None and '--implicit-tls' in flags:
    # aiosmtpd counts only STARTTLS as TLS for AUTH; this connection is TLS from its first byte.
    kwargs.update(ssl_context=ctx, auth_require_tls=False)
elif ctx is not None:
    kwargs.update(tls_context=ctx, require_starttls=True)
else:
    kwargs.update(auth_require_tls=False)
if '--login-only' in flags:
    kwargs.update(auth_exclude_mechanism=['PLAIN'])
controller = Controller(Handler(), **kwargs)
controller.start()
print('READY', flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    controller.stop()

import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';

/**
 * Signing in needs Web Crypto (PKCE), which browsers give secure contexts only: https, or
 * localhost. Over plain http to another host the console says so instead of failing silently.
 */
function InsecureContext() {
  return (
    <main className="insecure-context">
      <h1>The console needs HTTPS</h1>
      <p>
        Open it over https (set <code>REALMKIT_ISSUER_URL</code> to the https address a proxy serves), or at{' '}
        <code>http://localhost</code> on the machine that runs Realmkit.
      </p>
    </main>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(<StrictMode>{window.isSecureContext ? <App /> : <InsecureContext />}</StrictMode>);

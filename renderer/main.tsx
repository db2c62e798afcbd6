import './styles/theme.css';
import './styles/layout.css';
import './styles/components.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { addAllowedSyscalls } from '../app/policy/edit';
import { parsePolicy } from '../app/policy/parse';
import { createCommands } from './commands/commands';
import { App } from './components/App';
import { StudioProvider } from './components/studio-context';
import { connectBackend } from './connect-backend';
import { installMonacoEnvironment } from './editor/environment';
import { STARTER_POLICY } from './state/starter-policy';
import { createStores } from './state/stores';
import { createClient } from './transport/create-client';

installMonacoEnvironment();
const stores = createStores(STARTER_POLICY);
const client = createClient((status, detail) =>
  stores.connection.getState().setStatus(status, detail),
);
connectBackend(client, stores, parsePolicy);
const commands = createCommands({ client, stores, addAllowedSyscalls });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StudioProvider studio={{ stores, commands }}>
      <App />
    </StudioProvider>
  </StrictMode>,
);

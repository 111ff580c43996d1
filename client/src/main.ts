/** Entry point of the web client: the planner view. `window.gridgov` is the app, for the console and the end-to-end tests. */
import 'ol/ol.css';
import './styles.css';
import { App } from './App';

declare global {
  interface Window {
    gridgov: App;
  }
}

const app = new App();
window.gridgov = app;
app.start().catch((error: unknown) => app.fatal(error));

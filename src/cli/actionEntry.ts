/** Entry of `dist/action.js`, which the GitHub Action (`action.yml`) runs. */
import { actionMain } from './ciAction';

actionMain();

import { signinRoute } from '@web/signin.tsx';
import { app } from '../../app.ts';
import { rootRoute } from '../../root.tsx';

export const route = signinRoute({ app, rootRoute });

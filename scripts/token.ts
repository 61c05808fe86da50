import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { ConfigError, loadConfig } from '@chief/runtime';
import { DEMO_ROLES, DEMO_WORKSPACE_ID, demoUserId } from './demoData.ts';

// `npm run -s token -- --role owner`: prints a development JWT for a demo user, signed with
// AUTH_JWT_SECRET (or the development default), valid for --ttl (default 12h).
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'owner' },
    user: { type: 'string' },
    workspace: { type: 'string', default: DEMO_WORKSPACE_ID },
    ttl: { type: 'string', default: '12h' },
  },
});
try {
  const config = loadConfig();
  if (!config.auth.jwtSecret) throw new ConfigError(['AUTH_JWT_SECRET: needed to sign development tokens']);
  if (!values.user && !DEMO_ROLES.includes(values.role as never)) throw new ConfigError([`--role: expected one of ${DEMO_ROLES.join(', ')}, got "${values.role}"`]);
  const token = await new SignJWT({ wid: values.workspace })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(values.user ?? demoUserId(values.role!))
    .setIssuedAt()
    .setExpirationTime(values.ttl!)
    .sign(new TextEncoder().encode(config.auth.jwtSecret));
  console.log(token);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

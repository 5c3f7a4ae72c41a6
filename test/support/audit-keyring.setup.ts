import { randomBytes } from 'node:crypto';
import { auditKeyring, useAuditKeyring } from '../../src/store/audit-key';

// Tests that build the core without startBot() write audit events too. Each test file gets a key
// of its own; an `npm run admin` it spawns needs it as AUDIT_KEY (see testAuditKey()).
const key = randomBytes(32);
process.env.METBOT_TEST_AUDIT_KEY = key.toString('base64');
useAuditKeyring(auditKeyring({ auditKey: key }));

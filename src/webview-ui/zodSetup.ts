// Imported first by the panel's script, before any schema is built: the page's CSP forbids eval, so zod is told not
// to try it. Its probe (`new Function`) would otherwise be reported as a CSP violation, even though zod catches it.
import * as z from 'zod/mini';

z.config({ jitless: true });

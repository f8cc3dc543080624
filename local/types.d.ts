declare module 'kinesalite' {
  import type { Server } from 'node:http';

  function kinesalite(options?: Record<string, unknown>): Server;
  export default kinesalite;
}
declare module 'dynalite' {
  import type { Server } from 'node:http';

  function dynalite(options?: Record<string, unknown>): Server;
  export default dynalite;
}

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** Milliseconds a CreateTable/DeleteTable stays in CREATING/DELETING. */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** On-disk storage folder; in memory when absent. */
    path?: string;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}

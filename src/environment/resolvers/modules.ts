/** The target resolvers' bundle (dist/resolvers.cjs): the registry and the file reader for disk. */
export { diskRead } from "./disk.js";
export { cachedFiles, filesFromMap, readTarget } from "./registry.js";

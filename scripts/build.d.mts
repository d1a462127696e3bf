// Types of build.mjs, for the TypeScript that imports it (tests/global-setup.ts).
export declare const ROOT: string;
export declare const DIST: string;
export declare const STAMP: string;
export declare const SOURCES: string[];
export declare function buildDist(): Promise<number>;

/** The part of fs-native-extensions we use (the package ships no types). */
declare module 'fs-native-extensions' {
  /** An exclusive lock on the whole file (Linux: an open file description lock; macOS: flock); false when another descriptor holds it. */
  export function tryLock(fd: number): boolean;
  export function unlock(fd: number): void;
}

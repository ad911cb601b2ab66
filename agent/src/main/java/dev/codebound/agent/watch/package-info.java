/**
 * The hot folder a tethered camera writes into ({@link dev.codebound.agent.watch.HotFolder}), the
 * codes scanned for it ({@link dev.codebound.agent.watch.ScannedCodes},
 * {@link dev.codebound.agent.watch.ScannerInput}), and the one-scan-one-photo pairing that decides
 * which code a photo is sealed for ({@link dev.codebound.agent.watch.PhotoPairing}). Nothing here
 * seals or uploads: {@code watch} hands each finished photo and its code to the capture step.
 */
package dev.codebound.agent.watch;

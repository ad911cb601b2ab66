/**
 * tus 1.0.0 at {@code /files/}: the per-method handlers, the body streaming ({@code BodyTransfer}),
 * and the seams behind them: {@link dev.codebound.server.upload.UploadStore} (upload records and
 * bytes, with its durability and concurrency contract and no storage location in it: bytes leave
 * it as {@link dev.codebound.server.upload.UploadBytes}), {@link dev.codebound.server.upload.UploadLocker}
 * and {@link dev.codebound.server.upload.CompletionHandler} (where the registry's acceptance plugs
 * in). The embedded store, {@link dev.codebound.server.upload.FileUploadStore}, keeps every record
 * in one group-commit journal and each upload's bytes in a file of their own, forced once by the
 * thread that wrote them.
 */
package dev.codebound.server.upload;

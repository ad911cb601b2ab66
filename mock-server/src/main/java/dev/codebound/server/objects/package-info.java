/**
 * Durable named byte objects, the way S3-compatible object storage keeps them: the
 * {@link dev.codebound.server.objects.ObjectStore} seam that the registry's shared storage writes
 * upload bytes and sealed envelopes through, so that several registry nodes read and write the same
 * bytes. Implementations: a shared directory ({@link dev.codebound.server.objects.FileObjectStore})
 * and an S3-compatible service ({@link dev.codebound.server.objects.S3ObjectStore}, configured by
 * {@link dev.codebound.server.objects.S3Settings}); a node uses one, as
 * {@link dev.codebound.server.objects.ObjectStoreLocation} says. Both check keys with
 * {@link dev.codebound.server.objects.ObjectKeys}.
 */
package dev.codebound.server.objects;

/**
 * The capture step: {@link dev.codebound.agent.capture.PhotoSealer} inspects a photo against the
 * photo specification (the checks of {@code dev.codebound.protocol.photo.check}, which the registry runs
 * again at acceptance), seals it for its verified code and puts the envelope in the spool.
 */
package dev.codebound.agent.capture;

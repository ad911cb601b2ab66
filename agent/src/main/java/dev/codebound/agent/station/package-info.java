/**
 * The station's own state and standing: its home directory ({@link dev.codebound.agent.station.StationHome},
 * which lists every file in it), its settings ({@link dev.codebound.agent.station.StationConfig}: defaults,
 * {@code config.properties}, environment), its signing key and certificate
 * ({@link dev.codebound.agent.station.StationKeys}), its trust in the registry
 * ({@link dev.codebound.agent.station.StationTrust}: the pinned CA and the newest verified trust bundle), its
 * clock against the registry's ({@link dev.codebound.agent.station.RegistryClock}), the photo specification
 * it checks against ({@link dev.codebound.agent.station.CaptureSettings}), and whether it may seal now
 * ({@link dev.codebound.agent.station.StationStanding}: not revoked, certificate valid, clock in bounds).
 *
 * <p>Failures of the station's state are {@link dev.codebound.agent.station.StationException}s that name the
 * file or setting and the command that fixes it. This package must not take a passphrase from a command
 * line, replace a trust bundle with anything but a verified one of a higher sequence number, or write a
 * file other than atomically.
 */
package dev.codebound.agent.station;

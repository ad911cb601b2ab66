package dev.codebound.server.http;

import dev.codebound.protocol.pki.Certificates;
import dev.codebound.protocol.wire.Problem;
import dev.codebound.server.problem.ProblemType;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Finds the station behind a request, the one thing routes with {@link Access#STATION} need. */
public interface StationAuthenticator {
    /** The station, or empty when the request proves none. */
    Optional<StationIdentity> identify(Channel channel, HttpHeaders headers);

    /** Tells a refused client how to authenticate (the 401's detail). */
    String howToAuthenticate();

    /**
     * Whether an identified station may still call station routes: empty when it may, otherwise
     * the problem to answer with (a revoked certificate, for example).
     */
    default Optional<Problem> refusal(StationIdentity station, String path) {
        return Optional.empty();
    }

    /** The 403 STATION_REVOKED a revoked station gets on every request (fault injection imitates it). */
    static Problem revokedProblem(StationIdentity station, String path) {
        return ProblemType.STATION_REVOKED.problem(
                "the registry has revoked the certificate of station " + station.stationId()
                        + "; the station must be enrolled again", path);
    }

    /**
     * This authenticator, refusing stations that {@code revoked} names with 403 STATION_REVOKED.
     * Checked on every request, not once per connection, so a revocation takes effect on open
     * connections too.
     */
    default StationAuthenticator refusingRevoked(Predicate<StationIdentity> revoked) {
        StationAuthenticator base = this;
        return new StationAuthenticator() {
            @Override
            public Optional<StationIdentity> identify(Channel channel, HttpHeaders headers) {
                return base.identify(channel, headers);
            }

            @Override
            public String howToAuthenticate() {
                return base.howToAuthenticate();
            }

            @Override
            public Optional<Problem> refusal(StationIdentity station, String path) {
                if (revoked.test(station)) {
                    return Optional.of(revokedProblem(station, path));
                }
                return base.refusal(station, path);
            }
        };
    }

    /** The extended key usage id-kp-clientAuth that registry station certificates carry. */
    String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    /** The header that names the station in plain (development) mode. */
    String DEV_STATION_HEADER = "Codebound-Dev-Station";

    /**
     * Mutual TLS: the certificate the client presented in the handshake, which the TLS layer has
     * already verified against the registry CA. Read once per connection and cached.
     */
    static StationAuthenticator clientCertificate() {
        AttributeKey<Optional<StationIdentity>> cached = AttributeKey.valueOf(StationAuthenticator.class,
                "peer-identity");
        return new StationAuthenticator() {
            @Override
            public Optional<StationIdentity> identify(Channel channel, HttpHeaders headers) {
                Optional<StationIdentity> identity = channel.attr(cached).get();
                if (identity == null) {
                    identity = peer(channel);
                    channel.attr(cached).set(identity);
                }
                return identity;
            }

            @Override
            public String howToAuthenticate() {
                return "present a station certificate issued by the registry CA in the TLS handshake";
            }
        };
    }

    private static Optional<StationIdentity> peer(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            // The TLS layer checked the chain; only station certificates (clientAuth) name a station,
            // not the registry's own role certificates issued by the same CA.
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    && Certificates.hasExtendedKeyUsage(leaf, CLIENT_AUTH)
                    ? Optional.of(StationIdentity.of(leaf)) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /**
     * Plain mode only: the {@value #DEV_STATION_HEADER} header names the station. Anyone can send
     * it, which is why the server refuses plain mode on anything but a loopback address.
     */
    static StationAuthenticator devHeader() {
        return new StationAuthenticator() {
            @Override
            public Optional<StationIdentity> identify(Channel channel, HttpHeaders headers) {
                String id = headers.get(DEV_STATION_HEADER);
                return StationIdentity.isValidStationId(id) ? Optional.of(new StationIdentity(id, "dev"))
                        : Optional.empty();
            }

            @Override
            public String howToAuthenticate() {
                return "plain (development) mode: send the header " + DEV_STATION_HEADER
                        + ": <station id> (letters, digits, '.', '_', '-'; at most 64)";
            }
        };
    }
}

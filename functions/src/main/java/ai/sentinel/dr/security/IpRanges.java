package ai.sentinel.dr.security;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * IP addresses and CIDR ranges as WAF IP sets hold them: parsed without DNS (a string that is not an IP literal is
 * refused, never resolved), normalised to the network address with its prefix ({@code 203.0.113.7/32},
 * {@code 2001:db8::1/128}), tested for overlap with allow-listed and private ranges.
 */
public final class IpRanges {
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  /** Ranges never blocked, whatever the signal says: private, loopback, link-local, shared, documentation-free. */
  static final List<Range> PRIVATE = List.of(
      parse("0.0.0.0/8"), parse("10.0.0.0/8"), parse("100.64.0.0/10"), parse("127.0.0.0/8"),
      parse("169.254.0.0/16"), parse("172.16.0.0/12"), parse("192.168.0.0/16"), parse("224.0.0.0/3"),
      parse("::/127"), parse("fc00::/7"), parse("fe80::/10"), parse("ff00::/8"));

  private IpRanges() {}

  /**
   * A range: {@code family} 4 or 6, its network address and prefix length.
   *
   * @param network the network address (host bits zero)
   * @param bits    32 or 128
   */
  public record Range(int family, BigInteger network, int prefix, int bits) {
    /** WAF's form, one spelling per range (RFC 5952 for IPv6): {@code 203.0.113.7/32}, {@code 2001:db8::/32}. */
    public String cidr() {
      return address() + "/" + prefix;
    }

    private String address() {
      if (family == 4) {
        long v = network.longValue();
        return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
      }
      int[] groups = new int[8];
      for (int i = 0; i < 8; i++) {
        groups[i] = network.shiftRight(112 - 16 * i).intValue() & 0xffff;
      }
      int bestStart = -1;
      int bestLength = 1; // a single zero group is not compressed
      for (int i = 0; i < 8; ) {
        int j = i;
        while (j < 8 && groups[j] == 0) {
          j++;
        }
        if (j - i > bestLength) {
          bestStart = i;
          bestLength = j - i;
        }
        i = j == i ? i + 1 : j;
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        if (i == bestStart) {
          b.append("::");
          i += bestLength - 1;
          continue;
        }
        if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
          b.append(':');
        }
        b.append(Integer.toHexString(groups[i]));
      }
      return b.toString();
    }

    /** Does this range share any address with {@code other}? */
    public boolean overlaps(Range other) {
      if (family != other.family) {
        return false;
      }
      int common = Math.min(prefix, other.prefix);
      return mask(network, common, bits).equals(mask(other.network, common, bits));
    }

    /** Is this range one address? */
    public boolean single() {
      return prefix == bits;
    }
  }

  /** Not an IP address or CIDR range; the message says why. */
  public static final class NotAnIp extends IllegalArgumentException {
    NotAnIp(String message) {
      super(message);
    }
  }

  /** {@code text} as a range: a bare address is a /32 or /128; host bits of a CIDR must be zero. */
  public static Range parse(String text) {
    if (text == null || text.isBlank()) {
      throw new NotAnIp("an empty string is not an IP address");
    }
    String s = text.trim();
    String address = s;
    Integer prefix = null;
    int slash = s.indexOf('/');
    if (slash >= 0) {
      address = s.substring(0, slash);
      String p = s.substring(slash + 1);
      if (!p.matches("\\d{1,3}")) {
        throw new NotAnIp("'" + shown(text) + "' has no valid prefix length after '/'");
      }
      prefix = Integer.parseInt(p);
    }
    int family;
    if (IPV4.matcher(address).matches()) {
      family = 4;
    } else if (address.contains(":") && IPV6.matcher(address).matches()) {
      family = 6;
    } else {
      throw new NotAnIp("'" + shown(text) + "' is not an IPv4 or IPv6 address");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress(); // a literal: no DNS lookup
    } catch (UnknownHostException | SecurityException e) {
      throw new NotAnIp("'" + shown(text) + "' is not an IP address");
    }
    int bits = bytes.length * 8;
    if (family == 6 && bits == 32) {
      throw new NotAnIp("'" + shown(text) + "' is an IPv4-mapped IPv6 address: give the IPv4 address");
    }
    int length = prefix == null ? bits : prefix;
    if (length < 0 || length > bits) {
      throw new NotAnIp("'" + shown(text) + "' has a prefix length beyond " + bits);
    }
    BigInteger value = new BigInteger(1, bytes);
    BigInteger network = mask(value, length, bits);
    if (!network.equals(value)) {
      throw new NotAnIp("'" + shown(text) + "' has host bits set: the network is " + new Range(family == 4 ? 4 : 6,
          network, length, bits).cidr());
    }
    return new Range(bits == 32 ? 4 : 6, network, length, bits);
  }

  /** Is {@code range} inside or overlapping a private, loopback, link-local or multicast range? */
  public static boolean isPrivate(Range range) {
    return PRIVATE.stream().anyMatch(range::overlaps);
  }

  private static BigInteger mask(BigInteger value, int prefix, int bits) {
    BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    BigInteger host = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    return value.and(all.xor(host));
  }

  private static String shown(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "\u2026";
  }
}

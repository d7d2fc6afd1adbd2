package ai.sentinel.dr.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.dr.security.IpRanges.NotAnIp;
import org.junit.jupiter.api.Test;

class IpRangesTest {
  @Test
  void addressesBecomeSingleAddressRangesInOneSpelling() {
    assertEquals("203.0.113.7/32", IpRanges.parse("203.0.113.7").cidr());
    assertEquals("203.0.113.7/32", IpRanges.parse(" 203.0.113.7/32 ").cidr());
    assertEquals("2001:db8::1/128", IpRanges.parse("2001:0db8:0000:0000:0000:0000:0000:0001").cidr());
    assertEquals("2001:db8:0:1::/64", IpRanges.parse("2001:db8:0:1::/64").cidr());
    assertEquals("::/0", IpRanges.parse("::/0").cidr());
    assertEquals("198.51.100.0/24", IpRanges.parse("198.51.100.0/24").cidr());
  }

  @Test
  void whatIsNotAnAddressIsRefusedNeverResolved() {
    for (String bad : new String[] {"evil.example.com", "localhost", "203.0.113.256", "1.2.3", "203.0.113.7/33",
        "203.0.113.7/", "", "::ffff:1.2.3.4", "203.0.113.7/24", "2001:db8::1::2"}) {
      assertThrows(NotAnIp.class, () -> IpRanges.parse(bad), bad);
    }
  }

  @Test
  void privateRangesAndOverlapsAreSeen() {
    assertTrue(IpRanges.isPrivate(IpRanges.parse("10.1.2.3")));
    assertTrue(IpRanges.isPrivate(IpRanges.parse("172.20.0.0/16")));
    assertTrue(IpRanges.isPrivate(IpRanges.parse("fe80::1")));
    assertTrue(IpRanges.isPrivate(IpRanges.parse("0.0.0.0/4")), "a range holding a private one");
    assertFalse(IpRanges.isPrivate(IpRanges.parse("203.0.113.7")));
    assertTrue(IpRanges.parse("198.51.100.3").overlaps(IpRanges.parse("198.51.100.0/28")));
    assertFalse(IpRanges.parse("198.51.100.16").overlaps(IpRanges.parse("198.51.100.0/28")));
    assertFalse(IpRanges.parse("::1").overlaps(IpRanges.parse("0.0.0.1")));
  }
}

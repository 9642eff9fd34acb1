package token

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func ring(t testing.TB) *Keyring {
	kr, err := ParseKeyring("k2:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("2", 32))) + ",k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("1", 32))) + "@2026-12-31T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

var claims = Claims{PersonID: "p_0123456789abcdef01234567", Campaign: "nov-news", IssuedAt: now}

func TestRoundTrip(t *testing.T) {
	kr := ring(t)
	tok, err := kr.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > 80 || strings.ContainsAny(tok, "/+=?#") {
		t.Fatalf("token %q (%d chars) is not short and path-safe", tok, len(tok))
	}
	got, err := kr.Verify(tok, now)
	if err != nil || got != claims {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
}

func TestTamperingEveryByte(t *testing.T) {
	kr := ring(t)
	tok, _ := kr.Sign(claims)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for i := range raw {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		if _, err := kr.Verify(base64.RawURLEncoding.EncodeToString(b), now); err == nil {
			t.Fatalf("flipping byte %d still verified", i)
		}
	}
}

func TestRotation(t *testing.T) {
	old, _ := NewKeyring(Key{ID: "k1", Secret: []byte(strings.Repeat("1", 32))})
	tok, _ := old.Sign(claims)
	kr := ring(t) // k2 current, k1 valid until 2026-12-31
	if _, err := kr.Verify(tok, now); err != nil {
		t.Fatalf("previous key's token refused before retirement: %v", err)
	}
	if _, err := kr.Verify(tok, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)); !errors.Is(err, ErrExpired) {
		t.Fatalf("after retirement: %v", err)
	}
	fresh, _ := kr.Sign(claims)
	if !strings.HasPrefix(mustDecode(fresh)[2:4], "k2") {
		t.Fatal("new tokens are not signed with the current key")
	}
	other, _ := NewKeyring(Key{ID: "k9", Secret: []byte(strings.Repeat("9", 32))})
	if _, err := other.Verify(tok, now); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown key: %v", err)
	}
	forged, _ := NewKeyring(Key{ID: "k2", Secret: []byte(strings.Repeat("x", 32))})
	ftok, _ := forged.Sign(claims)
	if _, err := kr.Verify(ftok, now); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("forged with the right key id: %v", err)
	}
}

func mustDecode(s string) string {
	b, _ := base64.RawURLEncoding.DecodeString(s)
	return string(b)
}

func TestMaxAge(t *testing.T) {
	kr := ring(t)
	kr.MaxAge = 90 * 24 * time.Hour
	tok, _ := kr.Sign(claims)
	if _, err := kr.Verify(tok, now.Add(91*24*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Fatalf("old token: %v", err)
	}
}

func TestGarbage(t *testing.T) {
	kr := ring(t)
	for _, s := range []string{"", "abc", strings.Repeat("A", 500), "ｔｏｋｅｎ", "../../etc/passwd", "AQJrMgAAAAA", strings.Repeat("_", 40)} {
		if _, err := kr.Verify(s, now); err == nil {
			t.Errorf("%q verified", s)
		}
	}
	for _, bad := range []Claims{{PersonID: "x", Campaign: "c"}, {PersonID: claims.PersonID, Campaign: "Bad Campaign"}} {
		if _, err := kr.Sign(bad); err == nil {
			t.Errorf("signed %+v", bad)
		}
	}
	for _, spec := range []string{"", "k1", "k1:notbase64!", "K1:" + NewSecret(), "k1:" + base64.StdEncoding.EncodeToString([]byte("short")), "k1:" + NewSecret() + ",k0:" + NewSecret()} {
		if _, err := ParseKeyring(spec); err == nil {
			t.Errorf("keyring %q accepted", spec)
		}
	}
}

func FuzzVerify(f *testing.F) {
	kr := ring(f)
	tok, _ := kr.Sign(claims)
	f.Add(tok)
	f.Add("AQJrMgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := kr.Verify(s, now)
		if err != nil {
			return
		}
		// Anything that verifies re-signs to the same claims.
		again, err := kr.Sign(c)
		if err != nil {
			t.Fatalf("verified claims do not sign: %+v", c)
		}
		if c2, err := kr.Verify(again, now); err != nil || c2 != c {
			t.Fatalf("round trip %+v -> %+v %v", c, c2, err)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	kr := ring(b)
	tok, _ := kr.Sign(claims)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := kr.Verify(tok, now); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSigningKeyCannotRetire: the first key signs every new link; a
// retirement time on it (fuzzing found "k:...@0000-10-01T0:00:00Z") gave a
// keyring whose fresh tokens failed to verify.
func TestSigningKeyCannotRetire(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("1", 32)))
	for _, spec := range []string{"k1:" + secret + "@2999-01-01T00:00:00Z", "k1:" + secret + "@2000-01-01T00:00:00Z"} {
		if _, err := ParseKeyring(spec); err == nil || !strings.Contains(err.Error(), "signs new tokens") {
			t.Errorf("%s: %v", spec, err)
		}
	}
}

// TestShaped: a token signed is of a token's shape, and so is one cut
// short past 20 characters (meant to be a token); an email tool's merge
// tag left in the link, an empty one, or anything else is not.
func TestShaped(t *testing.T) {
	tok, err := ring(t).Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{tok, tok[:24]} {
		if !Shaped(s) {
			t.Errorf("Shaped(%q) = false", s)
		}
	}
	for _, s := range []string{"", "{{baton_token}}", "*|BATON_TOKEN|*", "%%baton_token%%", "[baton_token]", tok + "%7D", strings.Repeat("a", 201), "short"} {
		if Shaped(s) {
			t.Errorf("Shaped(%q) = true", s)
		}
	}
}

package token

import "testing"

// FuzzParseKeyring: BATON_LINK_KEYS is refused with an error or gives a
// keyring whose tokens verify.
func FuzzParseKeyring(f *testing.F) {
	f.Add("k2:MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI=,k1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=@2026-12-31T00:00:00Z")
	f.Add("k1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=@x")
	f.Add(":,@")
	f.Fuzz(func(t *testing.T, spec string) {
		kr, err := ParseKeyring(spec)
		if err != nil {
			return
		}
		tok, err := kr.Sign(claims)
		if err != nil {
			t.Fatalf("%q: sign: %v", spec, err)
		}
		if got, err := kr.Verify(tok, now); err != nil || got.PersonID != claims.PersonID || got.Campaign != claims.Campaign {
			t.Fatalf("%q: verify: %+v, %v", spec, got, err)
		}
	})
}

package admin

import "testing"

// TestOwnSite: a URL is a link only on one of the team's sites, exactly,
// and only where a browser reads the host as Go does.
func TestOwnSite(t *testing.T) {
	p := page{Sites: []string{"www.example.com", "localhost"}}
	for u, want := range map[string]bool{
		"https://www.example.com/pricing":                      true,
		"http://www.example.com/":                              true,
		"HTTPS://WWW.Example.COM/x":                            true,
		"https://www.example.com:8443/x":                       true, // the host's, on another port
		"http://localhost:3000/demo/":                          true,
		"https://evil.example/login-to-baton":                  false,
		"https://www.example.com.evil.example/":                false,
		"https://evil-www.example.com/":                        false,
		"https://sub.www.example.com/":                         false, // a subdomain is not the site
		"https://example.com/":                                 false,
		"https://www.example.com@evil.example/":                false,
		"https://evil.example\\@www.example.com/":              false,
		"https://www.example.com\\.evil.example/":              false,
		"https://www.example.com./":                            false,
		"https://www.exam\tple.com/":                           false,
		"https://www.ｅxample.com/":                             false, // a browser's IDNA reads it as the site; Go does not
		"https://www.example.com%2eevil.example/":              false,
		"//www.example.com/x":                                  false,
		"https:www.example.com":                                false,
		"https:/www.example.com/":                              false,
		" https://www.example.com/":                            false,
		"https://www.example.com/ www.evil.example/":           false, // a second URL after a space
		"https://www.example.com/#x\u3000https://evil.example": false,
		"javascript:alert(1)//https://www.example.com":         false,
		"ftp://www.example.com/":                               false,
		"":                                                     false,
	} {
		if got := p.OwnSite(u); got != want {
			t.Errorf("OwnSite(%q) = %v, want %v", u, got, want)
		}
	}
	if (page{}).OwnSite("https://www.example.com/") {
		t.Error("with no site configured, a URL is a link")
	}
}

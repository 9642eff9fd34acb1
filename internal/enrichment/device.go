package enrichment

import (
	"strings"

	"github.com/mssola/useragent"
)

// Device classes (Enrichment.Device).
const (
	Desktop      = "desktop"
	Mobile       = "mobile"
	Tablet       = "tablet"
	TV           = "tv"
	Console      = "console"
	Car          = "car"
	Wearable     = "wearable"
	FeaturePhone = "feature-phone" // i-mode, UP.Browser, NetFront, MAUI, KaiOS: mobile phones without a smartphone OS
	BotDevice    = "bot"
)

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// deviceClass says what kind of device a (lower-cased) user agent comes
// from; p is its parse.
func deviceClass(lower string, p *useragent.UserAgent) string {
	if strings.Contains(lower, "kaios") {
		return FeaturePhone
	}
	switch {
	case containsAny(lower, "docomo/", "kddi-", "up.browser", "up.link", "netfront", "maui", "softbank/", "vodafone/", "j-phone/",
		"willcom", "opera mini/", "obigo", "kaios", "series40", "nokia", "profile/midp", "configuration/cldc", "jasmine/", "ucweb/2.0 (midp"):
		if !containsAny(lower, "nokia; lumia", "lumia", "android", "iphone") {
			return FeaturePhone
		}
	}
	switch {
	case containsAny(lower, "smart-tv", "smarttv", "smart tv", "googletv", "google tv", "android tv", "androidtv", "hbbtv", "bravia",
		"web0s", "webos.tv", "netcast", "appletv", "apple tv", "tvos", "roku", "crkey", "; aftb", "; aftm", "; afts", "; aftt", "; aftk", "; aftn", "; aftr", "; aftg", "; aftmm", "; aftss",
		"philipstv", "vidaa", "viera", "aquos", "nettv/", "opera tv", "tizen tv", "dtv", "; tv;", " tv)", "tv safari", "large screen", "hisense", "fire tv",
		"mibox", "mitv", "shield android tv", "chromecast", "foxxum", "tpvision", "sonydtv", "bangolufsen"):
		return TV
	case containsAny(lower, "playstation", "xbox", "nintendo", "steam deck"):
		return Console
	case containsAny(lower, "qtcarbrowser", "tesla/", "android automotive", "; automotive", "polestar", "carplay"):
		return Car
	case containsAny(lower, "watchos", "watch os", "(watch;", "(apple watch;", "pixel watch", "ticwatch", "wear os", "wearos", "smartwatch", "; watch", "galaxy watch", "sm-r8", "sm-r9", "sm-r5", "sm-r7", "tizen 2.3.2; samsung sm-r", "fitbit", "garmin"):
		return Wearable
	case containsAny(lower, "ipad", "tablet", "kindle", "silk/", "playbook", "; kf", "nexus 7", "nexus 9", "nexus 10", "sm-t", "sm-x", "sm-p6", "mediapad", "matepad", "lenovo tb", "lenovo yt"):
		if strings.Contains(lower, "android") && strings.Contains(lower, "mobile") && !containsAny(lower, "ipad", "tablet", "kindle", "silk/") {
			return Mobile // e.g. "SM-T" phone-sized Samsung models in mobile mode
		}
		return Tablet
	case strings.Contains(lower, "macintosh") && strings.Contains(lower, "mobile/"):
		return Tablet // iPadOS web views ask for desktop sites but keep "Mobile/15E148"
	case strings.Contains(lower, "opera mini") || strings.Contains(lower, "opera mobi"):
		return Mobile
	case strings.Contains(lower, "android") && !strings.Contains(lower, "mobile") && !strings.Contains(lower, "windows"):
		return Tablet // Android without "Mobile" is a tablet (Chrome's own rule)
	case containsAny(lower, "iphone", "ipod", "windows phone", "blackberry", "bb10", "mobile", "symbian", "palm", "webos", "harmonyos") || p.Mobile():
		return Mobile
	}
	return Desktop
}

// osName normalises the operating system: "iOS 18.7", "Android 14",
// "Windows 10/11", "macOS", "Linux", "ChromeOS"; fallback is what the
// parser says.
func osName(ua, lower string, p *useragent.UserAgent) string {
	switch {
	case strings.Contains(lower, "windows phone"):
		return "Windows Phone" + version(lower, "windows phone os ", "windows phone ")
	case strings.Contains(lower, "xbox"):
		return "Xbox"
	case strings.Contains(lower, "playstation"):
		if v := after(lower, "playstation "); v != "" {
			return "PlayStation " + v
		}
		return "PlayStation"
	case strings.Contains(lower, "nintendo"):
		return "Nintendo"
	case strings.Contains(lower, "harmonyos"):
		return "HarmonyOS" + version(lower, "harmonyos ")
	case strings.Contains(lower, "kaios"):
		return "KaiOS" + version(lower, "kaios/")
	case strings.Contains(lower, "tizen"):
		return "Tizen" + version(lower, "tizen ")
	case containsAny(lower, "web0s", "webos"):
		return "webOS"
	case strings.Contains(lower, "android"):
		if strings.Contains(lower, "android tv") || strings.Contains(lower, "googletv") {
			return "Android TV" + version(lower, "android ")
		}
		return "Android" + version(lower, "android ")
	case strings.Contains(lower, "like mac os x") || containsAny(lower, "iphone", "ipad", "ipod"):
		if strings.Contains(lower, "watchos") || strings.Contains(lower, "watch os") {
			return "watchOS" + version(lower, "watch os ", "watchos ", "watchos/")
		}
		if strings.Contains(lower, "appletv") || strings.Contains(lower, "tvos") {
			return "tvOS"
		}
		return "iOS" + version(lower, "iphone os ", "cpu os ", "ios ")
	case strings.Contains(lower, " cros "):
		return "ChromeOS"
	case strings.Contains(lower, "macintosh") || strings.Contains(lower, "mac os x") || strings.Contains(lower, "mac_powerpc"):
		return "macOS"
	case strings.Contains(lower, "windows nt 10.0"), strings.Contains(lower, "windows 10"):
		return "Windows 10/11" // Windows 11 still sends NT 10.0: only client hints tell
	case strings.Contains(lower, "windows nt 6.3"):
		return "Windows 8.1"
	case strings.Contains(lower, "windows nt 6.2"):
		return "Windows 8"
	case strings.Contains(lower, "windows nt 6.1"):
		return "Windows 7"
	case strings.Contains(lower, "windows nt 6.0"):
		return "Windows Vista"
	case strings.Contains(lower, "windows nt 5.1"), strings.Contains(lower, "windows nt 5.2"), strings.Contains(lower, "windows xp"):
		return "Windows XP"
	case strings.Contains(lower, "windows"):
		return "Windows"
	case containsAny(lower, "freebsd"):
		return "FreeBSD"
	case containsAny(lower, "openbsd"):
		return "OpenBSD"
	case strings.Contains(lower, "blackberry") || strings.Contains(lower, "bb10"):
		return "BlackBerry"
	case strings.Contains(lower, "symbian"):
		return "Symbian"
	case containsAny(lower, "linux", "x11", "ubuntu", "fedora", "qtcarbrowser"):
		return "Linux"
	}
	return p.OS()
}

// after returns the version-like text (digits, '.', '_') right after the
// first occurrence of prefix, with '_' as '.', and trailing ".0"s dropped
// from versions of three parts or more only when they are zeros ("14.0" ->
// "14").
func after(lower, prefix string) string {
	i := strings.Index(lower, prefix)
	if i < 0 {
		return ""
	}
	s := lower[i+len(prefix):]
	n := 0
	for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.' || s[n] == '_') {
		n++
	}
	v := strings.Trim(strings.ReplaceAll(s[:n], "_", "."), ".")
	for strings.HasSuffix(v, ".0") {
		v = strings.TrimSuffix(v, ".0")
	}
	return v
}

// version returns " "+the version after the first prefix present, or "".
func version(lower string, prefixes ...string) string {
	for _, p := range prefixes {
		if v := after(lower, p); v != "" {
			return " " + v
		}
	}
	return ""
}

package tag_test

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// template is tag/gtm/template.tpl split into its sections.
type template map[string]string

func readTemplate(t *testing.T) template {
	t.Helper()
	b, err := os.ReadFile("gtm/template.tpl")
	if err != nil {
		t.Fatal(err)
	}
	sec := template{}
	name := ""
	heading := regexp.MustCompile(`^___([A-Z_]+)___$`)
	for _, line := range strings.Split(string(b), "\n") {
		if m := heading.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			name = m[1]
			if _, dup := sec[name]; dup {
				t.Fatalf("section %s twice", name)
			}
			sec[name] = ""
			continue
		}
		if name == "" && strings.TrimSpace(line) != "" {
			t.Fatalf("text before the first section: %q", line)
		}
		if name != "" {
			sec[name] += line + "\n"
		}
	}
	for _, s := range []string{"INFO", "TEMPLATE_PARAMETERS", "SANDBOXED_JS_FOR_WEB_TEMPLATE", "WEB_PERMISSIONS"} {
		if strings.TrimSpace(sec[s]) == "" {
			t.Fatalf("section ___%s___ missing or empty", s)
		}
	}
	return sec
}

func (tpl template) json(t *testing.T, section string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(tpl[section]), v); err != nil {
		t.Fatalf("___%s___ is not valid JSON: %v", section, err)
	}
}

// param is a template parameter (fields used here).
type param struct {
	Type      string  `json:"type"`
	Name      string  `json:"name"`
	ValueHint string  `json:"valueHint"`
	SubParams []param `json:"subParams"`
	Valid     []struct {
		Type string   `json:"type"`
		Args []string `json:"args"`
	} `json:"valueValidators"`
}

// grants lists what ___WEB_PERMISSIONS___ declares: "inject_script <url
// pattern>", "access_globals <key> read|write|execute", "logging".
func grants(t *testing.T, tpl template) (map[string]bool, []string) {
	t.Helper()
	type value struct {
		Type     int     `json:"type"`
		String   string  `json:"string"`
		Boolean  bool    `json:"boolean"`
		ListItem []value `json:"listItem"`
		MapKey   []value `json:"mapKey"`
		MapValue []value `json:"mapValue"`
	}
	var perms []struct {
		Instance struct {
			Key struct {
				PublicID string `json:"publicId"`
			} `json:"key"`
			Param []struct {
				Key   string `json:"key"`
				Value value  `json:"value"`
			} `json:"param"`
		} `json:"instance"`
	}
	tpl.json(t, "WEB_PERMISSIONS", &perms)
	got := map[string]bool{}
	var urls []string
	for _, p := range perms {
		id := p.Instance.Key.PublicID
		switch id {
		case "inject_script":
			for _, prm := range p.Instance.Param {
				if prm.Key == "urls" {
					for _, it := range prm.Value.ListItem {
						urls = append(urls, it.String)
					}
				}
			}
			got[id] = len(urls) > 0
		case "access_globals":
			for _, prm := range p.Instance.Param {
				for _, it := range prm.Value.ListItem {
					m := map[string]value{}
					for i, k := range it.MapKey {
						if i < len(it.MapValue) {
							m[k.String] = it.MapValue[i]
						}
					}
					for _, mode := range []string{"read", "write", "execute"} {
						if m[mode].Boolean {
							got["access_globals "+m["key"].String+" "+mode] = true
						}
					}
				}
			}
		default:
			got[id] = true
		}
	}
	return got, urls
}

// matchPattern reports whether url matches a Tag Manager URL match pattern:
// https only, a host, *.domain or *, and a path in which * matches anything.
func matchPattern(pattern, url string) bool {
	rest, ok := strings.CutPrefix(pattern, "https://")
	if !ok || !strings.HasPrefix(url, "https://") {
		return false
	}
	host, path, _ := strings.Cut(rest, "/")
	re := "^https://"
	if host == "*" {
		re += `[^/?#]+`
	} else if d, ok := strings.CutPrefix(host, "*."); ok {
		re += `([^/?#]+\.)?` + regexp.QuoteMeta(d)
	} else {
		re += regexp.QuoteMeta(host)
	}
	re += "/" + strings.ReplaceAll(regexp.QuoteMeta(path), `\*`, ".*") + "$"
	return regexp.MustCompile(re).MatchString(url)
}

// TestGTMTemplate checks tag/gtm/template.tpl as far as it can be without
// Tag Manager: its sections parse, the sandboxed code uses only APIs whose
// permissions are declared (and nothing more is declared), every data.x it
// reads is a parameter, and the script URL it builds is one the
// inject_script permission allows.
func TestGTMTemplate(t *testing.T) {
	tpl := readTemplate(t)

	var info struct {
		Type     string   `json:"type"`
		Contexts []string `json:"containerContexts"`
		Name     string   `json:"displayName"`
	}
	tpl.json(t, "INFO", &info)
	if info.Type != "TAG" || len(info.Contexts) != 1 || info.Contexts[0] != "WEB" || info.Name == "" {
		t.Errorf("___INFO___: %+v, want a named web TAG", info)
	}

	var params []param
	tpl.json(t, "TEMPLATE_PARAMETERS", &params)
	byName := map[string]param{}
	var walk func([]param)
	walk = func(ps []param) {
		for _, p := range ps {
			if p.Name != "" {
				byName[p.Name] = p
			}
			walk(p.SubParams)
		}
	}
	walk(params)
	for _, name := range []string{"scriptUrl", "site"} {
		if p, ok := byName[name]; !ok || p.Type != "TEXT" {
			t.Errorf("parameter %s missing or not TEXT", name)
		}
	}

	js := tpl["SANDBOXED_JS_FOR_WEB_TEMPLATE"]
	// Every data.x the code reads is a parameter, and every parameter is read.
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bdata\.(\w+)`).FindAllStringSubmatch(js, -1) {
		used[m[1]] = true
	}
	for name := range used {
		if _, ok := byName[name]; !ok && name != "gtmOnSuccess" && name != "gtmOnFailure" {
			t.Errorf("the code reads data.%s, which is not a parameter", name)
		}
	}
	for name := range byName {
		if !used[name] {
			t.Errorf("parameter %s is never read", name)
		}
	}
	if !used["gtmOnSuccess"] || !used["gtmOnFailure"] {
		t.Error("the code never reports success or failure to Tag Manager")
	}

	// The permissions each API needs: a key "perm" or, for globals, a
	// function of the literal key the call names.
	need := map[string]bool{}
	calls := func(api string) [][]string {
		return regexp.MustCompile(`\b`+api+`\(\s*'([^']*)'(?:\s*,\s*'([^']*)')?`).FindAllStringSubmatch(js, -1)
	}
	requires := regexp.MustCompile(`const (\w+) = require\('(\w+)'\);`).FindAllStringSubmatch(js, -1)
	if len(requires) != strings.Count(js, "require(") {
		t.Fatal("every require must read const name = require('api');")
	}
	for _, r := range requires {
		if r[1] != r[2] {
			t.Errorf("require('%s') bound to %s: the checks below look the API up by name", r[2], r[1])
		}
		if !strings.Contains(js, r[1]+"(") {
			t.Errorf("%s is required but never called", r[1])
		}
		switch api := r[2]; api {
		case "injectScript":
			need["inject_script"] = true
		case "logToConsole":
			need["logging"] = true
		case "copyFromWindow":
			for _, c := range calls(api) {
				need["access_globals "+c[1]+" read"] = true
			}
		case "callInWindow":
			for _, c := range calls(api) {
				need["access_globals "+c[1]+" execute"] = true
			}
		case "createArgumentsQueue":
			cs := calls(api)
			if len(cs) != 1 || cs[0][1] != "baton" || cs[0][2] != "baton.q" {
				t.Errorf("createArgumentsQueue calls %v, want ('baton', 'baton.q'): the queue the tag reads at start", cs)
			}
			for _, c := range cs {
				for _, k := range c[1:] {
					need["access_globals "+k+" read"] = true
					need["access_globals "+k+" write"] = true
				}
			}
		case "queryPermission", "encodeUriComponent", "makeTableMap", "getType":
			// no permission
		default:
			t.Errorf("API %s: add the permission it needs to this test", api)
		}
	}
	got, urls := grants(t, tpl)
	var missing, extra []string
	for k := range need {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !need[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("the code needs permissions ___WEB_PERMISSIONS___ does not declare: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("___WEB_PERMISSIONS___ declares permissions the code does not use: %v", extra)
	}

	// The URL it injects: the parameter's example, with the query the code
	// appends, is allowed; another host is not; and the code asks before
	// injecting.
	hint := byName["scriptUrl"].ValueHint
	var urlRE *regexp.Regexp
	for _, v := range byName["scriptUrl"].Valid {
		if v.Type == "REGEX" && len(v.Args) == 1 {
			urlRE = regexp.MustCompile(v.Args[0])
		}
	}
	if urlRE == nil || !urlRE.MatchString(hint) || urlRE.MatchString("http://track.example.com/t.js") || urlRE.MatchString(hint+"?x=1") {
		t.Errorf("scriptUrl needs a REGEX validator for https …/t.js that its example %q passes", hint)
	}
	if !strings.Contains(js, "data.scriptUrl + '?site=' + encodeUriComponent(data.site)") || !strings.Contains(js, "'&consent=required'") {
		t.Error("the URL the code builds changed: update the allowed-URL checks here")
	}
	allowed := func(u string) bool {
		for _, p := range urls {
			if matchPattern(p, u) {
				return true
			}
		}
		return false
	}
	for _, u := range []string{hint + "?site=www", hint + "?site=www&consent=required"} {
		if !allowed(u) {
			t.Errorf("inject_script %v does not allow %s", urls, u)
		}
	}
	if allowed("https://elsewhere.example.net/t.js?site=www") || allowed("http://track.example.com/t.js") {
		t.Errorf("inject_script %v allows any script", urls)
	}
	if !regexp.MustCompile(`if \(queryPermission\('inject_script', url\)\) \{\s*(//[^\n]*\n\s*)*injectScript\(url,`).MatchString(js) {
		t.Error("injectScript must be guarded by queryPermission('inject_script', url)")
	}
}

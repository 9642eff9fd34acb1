package config

import (
	"strings"
	"testing"
)

// TestComputedHolidayNames: japan, us and england name computed public
// holidays, in any case; another name is refused saying which there are.
func TestComputedHolidayNames(t *testing.T) {
	var f File
	if err := ParseFile([]byte("calendar: {holidays: [Japan, us, ENGLAND, 12-29]}\n"), &f); err != nil {
		t.Fatal(err)
	}
	c, err := f.Cal()
	if err != nil || strings.Join(c.Public, ",") != "japan,us,england" || !c.Yearly["12-29"] {
		t.Fatalf("%v %v %v", c.Public, c.Yearly, err)
	}
	err = ParseFile([]byte("calendar: {holidays: [usa]}\n"), &f)
	if err == nil {
		_, err = f.Cal()
	}
	if err == nil || !strings.Contains(err.Error(), "japan, us or england") {
		t.Fatalf("usa: %v", err)
	}
}

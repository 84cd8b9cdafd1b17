package bridgetest

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/goiap/goiap/internal/wasm"
)

// This file ports the SDK's isMinVersionSupported and compareVersions
// (@apps-in-toss/web-bridge 2.10.8, src/isMinVersionSupported.ts and
// src/utils/compareVersion.ts) quirk for quirk: "x", "X" and "*" match
// anything, missing segments are "0", segments that parse as numbers are
// compared as numbers and the rest as strings, and a pre-release sorts
// before its release. testdata/compare_versions.json holds the SDK's own
// answers, which the tests check this port against.

// semverRE is the SDK's SEMVER_REGEX. The SDK's is case-insensitive without
// the u flag, so only ASCII letters fold; RE2 would also fold 'ſ' and the
// Kelvin sign, which is why parseVersion rejects non-ASCII input first.
var semverRE = regexp.MustCompile(`(?i)^[v^~<>=]*?(\d+)(?:\.([x*]|\d+)(?:\.([x*]|\d+)(?:\.([x*]|\d+))?(?:-([\da-z\\-]+(?:\.[\da-z\\-]+)*))?(?:\+[\da-z\\-]+(?:\.[\da-z\\-]+)*)?)?)?$`)

var errInvalidSemver = errors.New("invalid semver")

// parseVersion gives major, minor, patch, build ("" when absent) and the
// pre-release ("" when absent).
func parseVersion(v string) (segs [4]string, pre string, err error) {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return segs, "", errInvalidSemver
		}
	}
	m := semverRE.FindStringSubmatch(v)
	if m == nil {
		return segs, "", errInvalidSemver
	}
	copy(segs[:], m[1:5])
	return segs, m[5], nil
}

// compareVersions is the SDK's: -1, 0 or 1, or an error where it throws.
func compareVersions(v1, v2 string) (int, error) {
	s1, pre1, err := parseVersion(v1)
	if err != nil {
		return 0, err
	}
	s2, pre2, err := parseVersion(v2)
	if err != nil {
		return 0, err
	}
	if c := compareSegments(s1[:], s2[:]); c != 0 {
		return c, nil
	}
	switch {
	case pre1 != "" && pre2 != "":
		return compareSegments(strings.Split(pre1, "."), strings.Split(pre2, ".")), nil
	case pre1 != "":
		return -1, nil
	case pre2 != "":
		return 1, nil
	}
	return 0, nil
}

func compareSegments(a, b []string) int {
	for i := range max(len(a), len(b)) {
		sa, sb := "0", "0"
		if i < len(a) && a[i] != "" {
			sa = a[i]
		}
		if i < len(b) && b[i] != "" {
			sb = b[i]
		}
		if c := compareValues(sa, sb); c != 0 {
			return c
		}
	}
	return 0
}

func isWildcard(s string) bool { return s == "*" || s == "x" || s == "X" }

func compareValues(a, b string) int {
	if isWildcard(a) || isWildcard(b) {
		return 0
	}
	na, aNum := parseInt(a)
	nb, bNum := parseInt(b)
	if aNum && bNum {
		switch {
		case na > nb:
			return 1
		case na < nb:
			return -1
		}
		return 0
	}
	// typeof differs or both are strings: compare String(a) with String(b).
	if aNum {
		a = jsNumberString(na)
	}
	if bNum {
		b = jsNumberString(nb)
	}
	return strings.Compare(a, b) // ASCII only, so UTF-16 order is byte order
}

// parseInt is JS parseInt(s, 10) on the characters a version segment can
// hold: an optional sign and the leading digits; false where JS gives NaN.
func parseInt(s string) (float64, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 {
		return 0, false
	}
	f, _ := strconv.ParseFloat(s[:n], 64) // digits only: at worst ±Inf, as in JS
	if neg {
		f = -f
	}
	return f, true
}

// jsNumberString is JS String(n) for the integers parseInt gives.
func jsNumberString(f float64) string {
	switch {
	case f == 0:
		return "0"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // like "1.2345e+25"
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	n, _ := strconv.Atoi(exp)
	n++ // JS's n: the decimal point sits after n digits
	if n <= 21 && n >= len(digits) {
		return sign + digits + strings.Repeat("0", n-len(digits))
	}
	if n <= 21 { // not reached for integers; kept for completeness
		return sign + digits[:n] + "." + digits[n:]
	}
	out := digits[:1]
	if len(digits) > 1 {
		out += "." + digits[1:]
	}
	return sign + out + "e+" + strconv.Itoa(n-1)
}

// app is the Toss app as the SDK's constants describe it.
type app struct {
	version     string // getTossAppVersion, like "5.240.0"
	os          string // getPlatformOS: "ios" or "android"
	environment string // getOperationalEnvironment: "toss" or "sandbox"
}

// minVersionSupported is the SDK's isMinVersionSupported(minVersions) in
// app a. It fails where the SDK throws: minVersions null or undefined, a
// minimum that is not a string, or a version that is not semver.
func minVersionSupported(a app, minVersions wasm.Value) (bool, error) {
	if a.environment == "sandbox" {
		return true, nil
	}
	if t := minVersions.Type(); t == wasm.TypeUndefined || t == wasm.TypeNull {
		return false, errors.New("cannot read the minimum of " + t.String())
	}
	key := "android"
	if a.os == "ios" {
		key = "ios"
	}
	mv := minVersions.Get(key)
	switch mv.Type() {
	case wasm.TypeUndefined:
		return false, nil
	case wasm.TypeString:
	default:
		return false, errors.New("invalid argument: expected a string")
	}
	switch mv.Str() {
	case "always":
		return true, nil
	case "never":
		return false, nil
	}
	c, err := compareVersions(a.version, mv.Str())
	return err == nil && c >= 0, err
}

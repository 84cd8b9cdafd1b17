package bridge

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// MaxSKULength is the longest SKU accepted, in bytes.
const MaxSKULength = 256

// ValidateSKU checks a product id before anything is sent to the app: it
// must be valid UTF-8, 1 to MaxSKULength bytes, with no whitespace or
// control characters anywhere. The error is an *Error with ErrInvalidSKU.
func ValidateSKU(sku string) error {
	why := ""
	switch {
	case sku == "":
		why = "empty"
	case len(sku) > MaxSKULength:
		why = "longer than " + strconv.Itoa(MaxSKULength) + " bytes"
	case !utf8.ValidString(sku):
		why = "not valid UTF-8"
	default:
		for _, r := range sku {
			// Cf holds the invisible ones: zero-width spaces and joiners,
			// bidi overrides, the byte-order mark.
			if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf) {
				why = "contains whitespace, a control or an invisible character " + strconv.QuoteRune(r)
				break
			}
		}
	}
	if why == "" {
		return nil
	}
	return newError(ErrInvalidSKU, "invalid SKU "+quoteShort(sku)+": "+why, "", nil)
}

func quoteShort(s string) string {
	if len(s) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}

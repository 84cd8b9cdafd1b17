//go:build !js && !wasip1

package webroot

import (
	"path"
	"strings"
)

// Allowed reports whether name (slash-separated, relative to the web
// directory, already clean) may be served:
//   - no segment starts with "." (dotfiles, .git, .env);
//   - nothing under node_modules except the SDK's ES modules the page
//     imports, node_modules/@apps-in-toss/PACKAGE/dist/FILE.js (package.json,
//     sources, maps, other packages and their licences stay private);
//   - no precompressed twin (.br, .gz) by its own name: those are answers
//     to Accept-Encoding for the file they sit beside.
func Allowed(name string) bool {
	if name == "" {
		return false
	}
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if p == "" || strings.HasPrefix(p, ".") {
			return false
		}
	}
	switch path.Ext(name) {
	case ".br", ".gz":
		return false
	}
	for _, p := range parts {
		if p == "node_modules" {
			return sdkModule(parts)
		}
	}
	return true
}

// sdkModule matches exactly node_modules/@apps-in-toss/PACKAGE/dist/FILE.js
// at the top of the web directory.
func sdkModule(parts []string) bool {
	return len(parts) == 5 &&
		parts[0] == "node_modules" && parts[1] == "@apps-in-toss" &&
		parts[3] == "dist" && strings.HasSuffix(parts[4], ".js") &&
		!strings.HasSuffix(parts[4], ".d.js")
}

package grant_test

import (
	"fmt"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

// Users appear in the grant log as a keyed hash: the same on every instance
// given the same key, and not undone by hashing every nine-digit number.
func ExampleUserHasher() {
	instanceA := grant.UserHasher([]byte("from LOG_USER_KEY"))
	instanceB := grant.UserHasher([]byte("from LOG_USER_KEY"))
	user := tossapi.UserKey(123456789)
	fmt.Println(instanceA(user) == instanceB(user))
	fmt.Println(len(instanceA(user)), instanceA(user) == grant.UserHasher([]byte("another key"))(user))
	// Output:
	// true
	// 16 false
}

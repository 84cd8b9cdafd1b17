package tossapi

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// GenerateToken exchanges the authorization code of appLogin() (with its
// referrer, "DEFAULT" or "SANDBOX") for tokens. A code expired or used
// already matches ErrInvalidGrant.
//
// Codes are single use, so a request Toss may have received is never sent
// again: only failures before any of the request was written are retried.
// Anything else that fails for want of an answer matches ErrUnavailable,
// and the page asks appLogin() for a new code.
func (c *Client) GenerateToken(ctx context.Context, authorizationCode, referrer string) (Token, error) {
	if authorizationCode == "" {
		return Token{}, errors.New("tossapi: generate-token: empty authorization code")
	}
	return c.token(ctx, call{
		op: "generate-token", method: "POST", path: PathGenerateToken, login: true, retry: retryUnsent,
		body: map[string]string{"authorizationCode": authorizationCode, "referrer": referrer},
	})
}

// RefreshToken gets new tokens for a refresh token. Whether Toss rotates
// refresh tokens is not documented, so it is retried like GenerateToken:
// only when nothing was sent.
func (c *Client) RefreshToken(ctx context.Context, refreshToken string) (Token, error) {
	if refreshToken == "" {
		return Token{}, errors.New("tossapi: refresh-token: empty refresh token")
	}
	return c.token(ctx, call{
		op: "refresh-token", method: "POST", path: PathRefreshToken, login: true, retry: retryUnsent,
		body: map[string]string{"refreshToken": refreshToken},
	})
}

func (c *Client) token(ctx context.Context, cl call) (Token, error) {
	var out struct {
		TokenType    string          `json:"tokenType"`
		AccessToken  string          `json:"accessToken"`
		RefreshToken string          `json:"refreshToken"`
		ExpiresIn    json.RawMessage `json:"expiresIn"`
		Scope        string          `json:"scope"`
	}
	if err := c.do(ctx, cl, &out); err != nil {
		return Token{}, err
	}
	if out.AccessToken == "" {
		return Token{}, &Error{HTTPStatus: 200, Code: codeBadAnswer, Reason: "no accessToken", op: cl.op}
	}
	t := Token{TokenType: out.TokenType, AccessToken: out.AccessToken, RefreshToken: out.RefreshToken, Scope: out.Scope}
	if len(out.ExpiresIn) > 0 && string(out.ExpiresIn) != "null" {
		secs, err := exactInt(out.ExpiresIn)
		if err != nil {
			return Token{}, &Error{HTTPStatus: 200, Code: codeBadAnswer, Reason: "expiresIn: " + err.Error(), op: cl.op}
		}
		t.ExpiresIn = time.Duration(secs) * time.Second
	}
	return t, nil
}

// LoginMe answers the user an access token belongs to. The userKey is kept
// exact. A token Toss refuses matches ErrInvalidGrant.
func (c *Client) LoginMe(ctx context.Context, accessToken string) (User, error) {
	if accessToken == "" {
		return User{}, errors.New("tossapi: login-me: empty access token")
	}
	cl := call{
		op: "login-me", method: "GET", path: PathLoginMe, login: true,
		header: map[string][]string{"Authorization": {"Bearer " + accessToken}},
	}
	var out struct {
		UserKey     json.RawMessage `json:"userKey"`
		Scope       string          `json:"scope"`
		AgreedTerms json.RawMessage `json:"agreedTerms"`
	}
	if err := c.do(ctx, cl, &out); err != nil {
		return User{}, err
	}
	key, err := exactInt(out.UserKey)
	if err != nil || key == 0 {
		reason := "no userKey"
		if err != nil {
			reason = "userKey: " + err.Error()
		}
		return User{}, &Error{HTTPStatus: 200, Code: codeBadAnswer, Reason: reason, op: cl.op}
	}
	u := User{UserKey: UserKey(key), Scope: out.Scope}
	// agreedTerms is a list of term ids in the examples seen; any other
	// shape is left out rather than failing a login over it.
	var terms []string
	if json.Unmarshal(out.AgreedTerms, &terms) == nil {
		u.AgreedTerms = terms
	}
	return u, nil
}

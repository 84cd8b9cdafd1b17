package bridge

import "github.com/goiap/goiap/internal/wasm"

// ProductType is the kind of a product in the catalogue.
type ProductType string

// The three product kinds.
const (
	Consumable    ProductType = "CONSUMABLE"
	NonConsumable ProductType = "NON_CONSUMABLE"
	Subscription  ProductType = "SUBSCRIPTION"
)

// OfferType is the kind of a subscription offer.
type OfferType string

// The three offer kinds.
const (
	FreeTrial       OfferType = "FREE_TRIAL"
	NewSubscription OfferType = "NEW_SUBSCRIPTION"
	Returning       OfferType = "RETURNING"
)

// Product is one item of getProductItemList, of any of the three kinds.
type Product struct {
	SKU           string      `json:"sku"`
	Type          ProductType `json:"type"`
	DisplayName   string      `json:"displayName"`
	DisplayAmount string      `json:"displayAmount"`
	IconURL       string      `json:"iconUrl"`
	Description   string      `json:"description"`
	// Subscriptions only.
	RenewalCycle string  `json:"renewalCycle,omitempty"` // WEEKLY, MONTHLY, YEARLY
	Offers       []Offer `json:"offers,omitempty"`
}

// Offer is a subscription's special price.
type Offer struct {
	Type          OfferType `json:"type"`
	OfferID       string    `json:"offerId"`
	Period        string    `json:"period"`
	DisplayAmount string    `json:"displayAmount,omitempty"` // not for FREE_TRIAL
}

// decodeProducts reads getProductItemList's answer, {products: [...]}. A
// product of an unknown type is an error, not silently dropped: showing a
// price for something the client cannot sell would be worse.
func decodeProducts(v wasm.Value) ([]Product, error) {
	f := wasm.Object(v, "result")
	var out []Product
	f.Array("products", func(_ int, item wasm.Value, path string) bool {
		p, err := decodeProduct(item, path)
		f.Fail(err)
		out = append(out, p)
		return err == nil
	})
	if err := f.Err(); err != nil {
		return nil, err
	}
	if out == nil {
		out = []Product{}
	}
	return out, nil
}

func decodeProduct(v wasm.Value, path string) (Product, error) {
	f := wasm.Object(v, path)
	p := Product{
		SKU:           f.NonEmptyString("sku"),
		Type:          ProductType(f.String("type")),
		DisplayName:   f.String("displayName"),
		DisplayAmount: f.String("displayAmount"),
		IconURL:       optional(f.OptionalString("iconUrl")),
		Description:   optional(f.OptionalString("description")),
	}
	if f.Err() != nil {
		return Product{}, f.Err()
	}
	switch p.Type {
	case Consumable, NonConsumable:
	case Subscription:
		p.RenewalCycle = f.String("renewalCycle")
		if o := f.Get("offers"); o.Type() != wasm.TypeUndefined && o.Type() != wasm.TypeNull {
			p.Offers = []Offer{}
			f.Array("offers", func(_ int, item wasm.Value, path string) bool {
				of := wasm.Object(item, path)
				offer := Offer{
					Type:          OfferType(of.String("type")),
					OfferID:       of.NonEmptyString("offerId"),
					Period:        of.String("period"),
					DisplayAmount: optional(of.OptionalString("displayAmount")),
				}
				switch offer.Type {
				case FreeTrial, NewSubscription, Returning:
				default:
					if of.Err() == nil {
						of.Fail(&wasm.DecodeError{Path: path + ".type", Want: "FREE_TRIAL, NEW_SUBSCRIPTION or RETURNING", Got: wasm.TypeString})
					}
				}
				f.Fail(of.Err())
				p.Offers = append(p.Offers, offer)
				return of.Err() == nil
			})
		}
	default:
		return Product{}, &wasm.DecodeError{Path: path + ".type", Want: "CONSUMABLE, NON_CONSUMABLE or SUBSCRIPTION", Got: wasm.TypeString}
	}
	if f.Err() != nil {
		return Product{}, f.Err()
	}
	return p, nil
}

func optional(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

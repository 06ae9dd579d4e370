/**
 * Variant picker island: when the shopper picks a variant, the line under the options says its
 * price and stock, and "Add to cart" is disabled for a sold-out choice. Data comes from the JSON
 * block the server rendered (never executed). Without JS the radio labels already show both.
 */
interface VariantInfo {
  id: string
  price: string
  stock: string
  available: boolean
}

const form = document.querySelector<HTMLFormElement>('form[data-island="product"]')
const data = document.getElementById('variant-data')
if (form && data) {
  const variants = new Map((JSON.parse(data.textContent || '[]') as VariantInfo[]).map((v) => [v.id, v]))
  const out = document.getElementById('selected-variant')
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')
  const update = () => {
    const picked = form.querySelector<HTMLInputElement>('input[name="variant_id"]:checked')
    const v = picked ? variants.get(picked.value) : undefined
    if (out) out.textContent = v ? `${v.price} · ${v.stock}` : ''
    if (button) button.disabled = !v || !v.available
  }
  form.addEventListener('change', update)
  update()
}

import { isCountryCode } from '../../accounts/countries'
import { intlLocale, type Locale } from '../i18n'

const ALL = (() => {
  const out: string[] = []
  for (let a = 65; a <= 90; a++)
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b)
      if (isCountryCode(code)) out.push(code)
    }
  return out
})()

const names = new Map<Locale, [string, string][]>()

/** Every ISO country, named in the shopper's language, sorted by name. */
export function countries(locale: Locale): [string, string][] {
  let list = names.get(locale)
  if (!list) {
    let dn: Intl.DisplayNames | undefined
    try {
      dn = new Intl.DisplayNames([intlLocale(locale)], { type: 'region' })
    } catch {
      dn = undefined
    }
    list = ALL.map((code): [string, string] => [code, dn?.of(code) ?? code]).sort((x, y) => x[1].localeCompare(y[1], intlLocale(locale)))
    names.set(locale, list)
  }
  return list
}

export function CountrySelect(props: { name: string; id: string; value: string; locale: Locale; required?: boolean }) {
  return (
    <select name={props.name} id={props.id} required={props.required} autocomplete="country">
      {countries(props.locale).map(([code, name]) => (
        <option value={code} selected={code === props.value}>
          {name}
        </option>
      ))}
    </select>
  )
}

/** A labelled input; `error` marks it invalid and points at the message. */
export function Field(props: {
  label: string
  name: string
  value?: string
  type?: string
  required?: boolean
  autocomplete?: string
  error?: string
  maxlength?: number
  minlength?: number
  inputmode?: 'decimal' | 'email' | 'numeric' | 'tel' | 'text'
}) {
  const id = `f-${props.name}`
  return (
    <p class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        required={props.required}
        autocomplete={props.autocomplete}
        maxlength={props.maxlength}
        minlength={props.minlength}
        inputmode={props.inputmode}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined}
      />
      {props.error ? (
        <span class="field-error" id={`${id}-err`}>
          {props.error}
        </span>
      ) : null}
    </p>
  )
}

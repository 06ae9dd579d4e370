// React-style `defaultValue` on <select> for Preact. Preact core sets props as DOM properties, and
// HTMLSelectElement has no `defaultValue`, so the initial choice would be lost. This vnode hook
// turns it into `selected` on the matching <option>: applied when the option is created and left
// alone on re-renders, so the user's choice survives them (unlike a `value` prop, which Preact
// re-applies on every render).
import { options, type VNode } from 'preact'

type Props = { value?: unknown; children?: unknown; selected?: boolean }

function mark(children: unknown, value: string) {
  if (Array.isArray(children)) {
    for (const child of children) mark(child, value)
    return
  }
  if (!children || typeof children !== 'object' || !('type' in children)) return
  const node = children as VNode<Props>
  if (node.type === 'option') {
    const own = node.props.value ?? (typeof node.props.children === 'string' ? node.props.children : undefined)
    node.props.selected = String(own) === value
  } else if (node.type === 'optgroup') {
    mark(node.props.children, value)
  }
}

const previous = options.vnode
options.vnode = (vnode) => {
  if (vnode.type === 'select') {
    const props = vnode.props as Props & { defaultValue?: unknown }
    if (props.defaultValue !== undefined) {
      mark(props.children, String(props.defaultValue ?? ''))
      delete props.defaultValue
    }
  }
  previous?.(vnode)
}

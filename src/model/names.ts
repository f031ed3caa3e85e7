// Metric and label name rules of the 0.0.4 exposition format, shared by the parser, the URL decoder and the store.

/** True if `name` matches `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function isValidMetricName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = c === 95 /* _ */ || c === 58 /* : */ || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/** True if `name` matches `[a-zA-Z_][a-zA-Z0-9_]*`. Says nothing of the reserved `__` prefix. */
export function isValidLabelName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = c === 95 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/** Label names starting with `__` are reserved for Prometheus itself. */
export function isReservedLabelName(name: string): boolean {
  return name.charCodeAt(0) === 95 && name.charCodeAt(1) === 95;
}

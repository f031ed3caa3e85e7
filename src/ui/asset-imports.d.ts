// The types of the UI's static files as assets.ts imports them, `with { type: 'text' }`: TypeScript cannot know
// that such an import is the file's text. Patterns narrow enough that no other .js import is taken for text.
declare module '*/assets/static/pushgateway.css' {
  const text: string;
  export default text;
}
declare module '*/assets/static/pushgateway.js' {
  const text: string;
  export default text;
}

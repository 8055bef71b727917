// Imported first by the CLI: React's development build doubles the cost of a key press at 100,000
// sessions. It must be its own module because imports run before any code of the importer.
process.env.NODE_ENV ??= 'production';

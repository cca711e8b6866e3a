export { default } from './lifecert-match.ts';

export { default } from './lifecert-normalize.ts';

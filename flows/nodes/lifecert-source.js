export { default } from './lifecert-source.ts';

export { default } from './lifecert-stage.ts';
